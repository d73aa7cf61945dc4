"""sjtx-xl: spec-driven Excel templates, checks and summaries for 吉工信办联〔2021〕34号."""

__version__ = "0.1.0"
