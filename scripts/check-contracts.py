"""Checks Contracts/: every document parses, every example event validates against
the event schema, every invalid example is refused by it, and every inbound example
validates against the inbound schema."""
import glob
import json
import os
import sys

import jsonschema

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Contracts")
failures = []
checked = 0

for path in sorted(glob.glob(os.path.join(root, "**", "*.json"), recursive=True)):
    try:
        with open(path, encoding="utf-8") as handle:
            json.load(handle)
    except ValueError as error:
        failures.append(f"{path}: not JSON: {error}")

with open(os.path.join(root, "events", "dossier-event.schema.json"), encoding="utf-8") as handle:
    schema = json.load(handle)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

for path in sorted(glob.glob(os.path.join(root, "examples", "events", "*.json"))):
    checked += 1
    with open(path, encoding="utf-8") as handle:
        errors = list(validator.iter_errors(json.load(handle)))
    if errors:
        failures.append(f"{os.path.basename(path)} should be valid: {errors[0].message}")

for path in sorted(glob.glob(os.path.join(root, "examples", "invalid-events", "*.json"))):
    checked += 1
    with open(path, encoding="utf-8") as handle:
        if not list(validator.iter_errors(json.load(handle))):
            failures.append(f"{os.path.basename(path)} should be refused by the event schema")

with open(os.path.join(root, "events", "inbound-event.schema.json"), encoding="utf-8") as handle:
    inbound_schema = json.load(handle)
jsonschema.Draft202012Validator.check_schema(inbound_schema)
inbound = jsonschema.Draft202012Validator(inbound_schema, format_checker=jsonschema.FormatChecker())
for path in sorted(glob.glob(os.path.join(root, "examples", "inbound", "*.json"))):
    checked += 1
    with open(path, encoding="utf-8") as handle:
        errors = list(inbound.iter_errors(json.load(handle)))
    if errors:
        failures.append(f"{os.path.basename(path)} should be valid against the inbound schema: {errors[0].message}")

for failure in failures:
    print(f"contract check failed: {failure}", file=sys.stderr)
print(f"contracts: {checked} examples checked against the event and inbound schemas, {len(failures)} problems")
sys.exit(1 if failures else 0)
