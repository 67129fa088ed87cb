"""Registrant Portal: certification registry, continuing education and renewal."""

# The release, in semantic versioning (https://semver.org): the one place it is written.
# pyproject.toml reads it; `portal --version`, `portal doctor`, /readyz (for the operator)
# and the footer of staff pages show it. CHANGELOG.md says what each release changed.
__version__ = "0.2.0"
