"""sdebnn_torch: the sdebnn models in PyTorch, trained with DistributedDataParallel, saved as
sdebnn checkpoints (docs/pytorch.md). PyTorch is the only dependency."""
from .checkpoint import decode_checkpoint, decode_safetensors, encode_checkpoint, encode_safetensors
from .config import load as load_config, resolve as resolve_config
from .errors import CheckpointError, ConfigError, DataError, NumericalError, SdebnnError
from .image import ImageSdeBnn
from .noise import ReplayNoise, TorchNoise

__all__ = ["ImageSdeBnn", "ReplayNoise", "TorchNoise", "decode_checkpoint", "decode_safetensors",
           "encode_checkpoint", "encode_safetensors", "load_config", "resolve_config",
           "SdebnnError", "ConfigError", "DataError", "CheckpointError", "NumericalError"]
