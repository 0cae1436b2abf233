"""Rubrics (考核细则): model, loading and validation."""

from ..formats import format_decimal
from .load import load_rubric
from .model import Rubric

# The old name of builder.formats.format_decimal, until its last caller (rounds/forms.py) is renamed.
fmt = format_decimal

__all__ = ["Rubric", "fmt", "load_rubric"]
