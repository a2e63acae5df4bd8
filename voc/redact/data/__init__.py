"""Data files of the redactor (a package only so that setuptools installs them): person_names.json, the
first-name and surname gazetteer of voc.redact.given_names, built by scripts/build_person_names.py."""
