import torch


def KeyMapper(state):
    return dict(state)


def load(model, sd):
    model.load_state_dict(sd)
