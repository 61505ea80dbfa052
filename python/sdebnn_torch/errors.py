"""The error family of sdebnn (src/runtime/errors.ts): same class names and codes, so a message
reads the same whichever side raised it. The CLI entry points map them to the same exit codes:
3 config, 4 data or checkpoint, 5 numerical."""


class SdebnnError(Exception):
    code = "E_SDEBNN"
    exit_code = 1


class ConfigError(SdebnnError):
    code = "E_CONFIG"
    exit_code = 3


class DataError(SdebnnError):
    code = "E_DATA"
    exit_code = 4


class CheckpointError(SdebnnError):
    code = "E_CHECKPOINT"
    exit_code = 4


class NumericalError(SdebnnError):
    code = "E_NUMERICAL"
    exit_code = 5
