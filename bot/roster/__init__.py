"""A setting folder: setting.toml, roster CSVs, illness guidance and policies, validated then
imported; and who on the roster no configured channel can reach."""
