"""Weights shipped with voc (data files; a package only so that setuptools installs them)."""
