"""Rubrics (考核细则): model, loading and validation."""

from .load import fmt, load_rubric
from .model import Rubric

__all__ = ["Rubric", "fmt", "load_rubric"]
