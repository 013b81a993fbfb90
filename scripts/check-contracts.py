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

def validator(name):
    with open(os.path.join(root, "events", name), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def check(schema, folder, valid):
    """Every example in `folder` is valid (or, with valid False, refused) by `schema`."""
    global checked
    for path in sorted(glob.glob(os.path.join(root, "examples", folder, "*.json"))):
        checked += 1
        with open(path, encoding="utf-8") as handle:
            errors = list(schema.iter_errors(json.load(handle)))
        if valid and errors:
            failures.append(f"{folder}/{os.path.basename(path)} should be valid: {errors[0].message}")
        elif not valid and not errors:
            failures.append(f"{folder}/{os.path.basename(path)} should be refused")


events = validator("dossier-event.schema.json")
check(events, "events", valid=True)
check(events, "invalid-events", valid=False)
check(validator("inbound-event.schema.json"), "inbound", valid=True)

for failure in failures:
    print(f"contract check failed: {failure}", file=sys.stderr)
print(f"contracts: {checked} examples checked against the event and inbound schemas, {len(failures)} problems")
sys.exit(1 if failures else 0)
