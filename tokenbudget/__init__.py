"""tokenbudget: what an LLM prompt will cost before you send it."""

__version__ = "0.1.0"
