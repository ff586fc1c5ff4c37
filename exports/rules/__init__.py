"""Export eligibility rules: the engine and its rule families, one module each."""

from .engine import *  # noqa: F403
