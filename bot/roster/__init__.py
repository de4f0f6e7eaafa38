"""A setting folder: setting.toml, roster CSVs and policies, validated then imported."""
