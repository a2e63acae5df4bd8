"""Orchestration: builds the configured components and runs them over the corpus."""
