"""Calls model.load_state_dict(sd) in a docstring are not sites."""
# model.load_state_dict(sd) in a comment is not a site
from torch.hub import load_state_dict_from_url

TEXT = "model.load_state_dict(sd)"
OTHER = f"{x}.load_state_dict(sd)"


class Wrapper:
    def load_state_dict(self, sd, strict=True):
        """Also not a site: model.load_state_dict(sd)."""
        return None


fn = model.load_state_dict
model.offload_state_dict(sd)
sd = load_state_dict_from_url("https://example.invalid/w.pt")
load_state_dict(model, sd)
