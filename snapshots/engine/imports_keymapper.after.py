from mylib.convert import KeyMapper


def restore(model, sd):
    variables = KeyMapper.from_torch(sd)
