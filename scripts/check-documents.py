"""Validates what the gateway produced against the documents in Contracts/.

Input: a JSON-lines file, one document per line, either
  {"system", "path", "body"}: a request, checked against the requestBody schema of that
                              path's POST operation in Contracts/<system>/openapi.json, or
  {"schema", "body"}:         a record, checked against Contracts/<schema>.
Prints one line per problem and a summary; exits 1 when any document does not conform."""
import json
import os
import sys

import jsonschema

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Contracts")
documents = {}


def validator_for(system, path, content_type="application/json"):
    if system not in documents:
        with open(os.path.join(root, system, "openapi.json"), encoding="utf-8") as handle:
            documents[system] = json.load(handle)
    document = documents[system]
    operation = document["paths"].get(path, {}).get("post")
    if operation is None:
        return None
    content = operation["requestBody"]["content"].get(content_type)
    if content is None:
        return None
    schema = content["schema"]
    wrapped = dict(schema)
    wrapped["components"] = document.get("components", {})
    return jsonschema.Draft202012Validator(wrapped, format_checker=jsonschema.FormatChecker())


schemas = {}


def validator_for_schema(relative):
    if relative not in schemas:
        with open(os.path.join(root, relative), encoding="utf-8") as handle:
            schemas[relative] = jsonschema.Draft202012Validator(json.load(handle), format_checker=jsonschema.FormatChecker())
    return schemas[relative]


def embedded_problems(schema, body, document):
    """JSON Schema leaves contentSchema to the application: the JSON text a field carries
    (`data`, `User`) is checked here against it."""
    def deref(node):
        while isinstance(node, dict) and "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    schema = deref(schema)
    for name, member in schema.get("properties", {}).items():
        member = deref(member)
        if member.get("contentMediaType") != "application/json" or "contentSchema" not in member:
            continue
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str):
            continue
        try:
            inner = json.loads(value)
        except ValueError:
            yield name, "is not JSON text"
            continue
        content = dict(deref(member["contentSchema"]))
        content["components"] = document.get("components", {})
        for error in jsonschema.Draft202012Validator(content).iter_errors(inner):
            where = "/".join([name] + [str(part) for part in error.absolute_path])
            yield where, error.message


problems = 0
checked = 0
per_system = {}
with open(sys.argv[1], encoding="utf-8") as handle:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        request = json.loads(line)
        checked += 1
        if "schema" in request:
            per_system[request["schema"]] = per_system.get(request["schema"], 0) + 1
            for error in validator_for_schema(request["schema"]).iter_errors(request["body"]):
                problems += 1
                where = "/".join(str(part) for part in error.absolute_path) or "(body)"
                print(f"document {number}: {request['schema']} {where}: {error.message}")
            continue
        per_system[request["system"]] = per_system.get(request["system"], 0) + 1
        validator = validator_for(request["system"], request["path"], request.get("contentType", "application/json"))
        if validator is None:
            problems += 1
            print(f"request {number}: {request['system']} has no POST {request['path']} in its contract")
            continue
        for error in validator.iter_errors(request["body"]):
            problems += 1
            where = "/".join(str(part) for part in error.absolute_path) or "(body)"
            print(f"request {number}: {request['system']} {request['path']} {where}: {error.message}")
        for where, message in embedded_problems(validator.schema, request["body"], documents[request["system"]]):
            problems += 1
            print(f"request {number}: {request['system']} {request['path']} {where}: {message}")

summary = ", ".join(f"{system} {count}" for system, count in sorted(per_system.items()))
print(f"documents: {checked} checked ({summary}), {problems} problems")
sys.exit(1 if problems else 0)
