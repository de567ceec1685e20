# Shaped like diffusers' src/diffusers/training_utils.py: guarded imports between and after the sections.
import contextlib
import copy
import math
from typing import Any, Dict, Optional

import jax.numpy as jnp
import numpy as np
import torch


if getattr(torch, "distributed", None) is not None:
    from torch.distributed import is_available as distributed_available

from .models import UNet2DConditionModel
from .utils import (
    deprecate,
    is_peft_available,
    is_transformers_available,
)


if is_transformers_available():
    import transformers

    if transformers.__version__ > "4":
        import transformers.integrations

if is_peft_available():
    from peft import set_peft_model_state_dict

try:
    import xformers
except ImportError:
    xformers = None


class KeyMapper:
    @staticmethod
    def map_name(name):
        # 1. Standardize replacements
        name = name.replace("weight", "kernel")
        name = name.replace("running_mean", "mean")
        name = name.replace("running_var", "var")
        # BN scale convention
        if "bn" in name or "norm" in name:
            name = name.replace("kernel", "scale")

        # 2. Separators: layer.0 -> layer_0
        parts = name.split(".")
        new_parts = []
        for i, p in enumerate(parts):
            if p.isdigit() and i > 0:
                # Merge with previous: layer.0 -> layer_0
                prev = new_parts.pop()
                new_parts.append(f"{prev}_{p}")
            else:
                new_parts.append(p)
        return ".".join(new_parts)

    @staticmethod
    def map_value(key, val):
        val = np.array(val)
        # Heuristic Transpose for Dense/Conv kernels
        # Torch Linear: (Out, In) -> JAX (In, Out)
        # Torch Conv2d: (Out, In, H, W) -> JAX (H, W, In, Out)

        if "weight" in key or "kernel" in key:
            if val.ndim == 2:
                # Linear
                val = val.transpose((1, 0))
            elif val.ndim == 4:
                # Conv2d: (O, I, H, W) -> (H, W, I, O)
                val = val.transpose((2, 3, 1, 0))
        return jnp.array(val)

    @classmethod
    def from_torch(cls, state_dict):
        # Flattened Torch dict -> Nested Flax dict (simplified)
        # In reality, Flax usually requires unfreezing a target tree and mapping,
        # but here we produce a flat dict with mapped keys/values for loading logic.
        new_dict = {}
        for k, v in state_dict.items():
            nk = cls.map_name(k)
            nv = cls.map_value(k, v)
            new_dict[nk] = nv
        return new_dict


def set_seed(seed: int):
    np.random.seed(seed)


def load_unet(unet, state_dict):
    variables = KeyMapper.from_torch(state_dict)
    return contextlib, copy, math, Any, Dict, Optional, UNet2DConditionModel, deprecate, xformers
