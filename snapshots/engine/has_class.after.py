import numpy as np


class KeyMapper:
    @classmethod
    def from_torch(cls, sd):
        return dict(sd)


def restore(model, sd):
    variables = KeyMapper.from_torch(sd)
