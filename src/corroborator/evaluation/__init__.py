"""Evaluation on public data sets (read from ../shared/data; never copied into the repo)."""
