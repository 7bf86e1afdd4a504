#!/usr/bin/python3
"""openapi_check.py SPEC METHOD PATH STATUS BODYFILE: checks one answer of the
JSON API against docs/openapi.yaml (OpenAPI 3.1: its schemas are JSON Schema
2020-12). Exit 0 when the path, method and status are described and the body
matches; else exit 1 naming what differs. `openapi_check.py SPEC` alone checks
that every $ref of the file resolves and every operation says its answers."""
import json, re, sys

import jsonschema
import yaml


def refs(node, spec, where="#"):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            target = spec
            for part in ref.lstrip("#/").split("/"):
                if not isinstance(target, dict) or part not in target:
                    sys.exit(f"openapi: {where}: $ref {ref} does not resolve")
                target = target[part]
        for k, v in node.items():
            refs(v, spec, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            refs(v, spec, f"{where}/{i}")


def resolve(node, spec):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    if len(sys.argv) == 2:
        refs(spec, spec)
        for path, item in spec["paths"].items():
            for method, op in item.items():
                if method in ("get", "post", "patch", "delete") and not op.get("responses"):
                    sys.exit(f"openapi: {method.upper()} {path} says no responses")
        print(f"openapi: {len(spec['paths'])} paths, every $ref resolves")
        return
    method, path, status, body_file = sys.argv[2].lower(), sys.argv[3], sys.argv[4], sys.argv[5]
    path = path.split("?", 1)[0]
    op = None
    for template, item in spec["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            op = item.get(method)
            break
    if op is None and int(status) < 400:
        sys.exit(f"openapi: {method.upper()} {path} is not described")
    # A path or method the API does not have is answered with the Error document.
    responses = op["responses"] if op else {"default": {"$ref": "#/components/responses/Error"}}
    response = resolve(responses.get(status) or responses.get("default"), spec)
    if response is None:
        sys.exit(f"openapi: {method.upper()} {path} does not describe status {status}")
    schema = response["content"]["application/json"]["schema"]
    body = json.load(open(body_file))
    # The schema in a document holding the components, so that its $refs resolve.
    validator = jsonschema.Draft202012Validator({**schema, "components": spec["components"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        sys.exit(f"openapi: {method.upper()} {path} {status}: at /{'/'.join(map(str, e.path))}: {e.message[:300]}")


main()
