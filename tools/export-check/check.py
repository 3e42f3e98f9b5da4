#!/usr/bin/env python3
"""Checks Shardplay's exports with real tools (./x test runs this).

For every bundled scenario: `shardplay export` in each format, then
  - cfn-lint over the CloudFormation YAML and JSON: no errors allowed
    (warnings are listed; W2001 "parameter not used" is expected for the
    traffic parameters, which only document what was simulated);
  - python-hcl2 parses the Terraform, and every resource type, argument,
    nested block and required argument is checked against the committed
    extract of the AWS provider's schema (aws-provider-schema.json), and
    every reference (aws_x.y.attr, var.z, data.*) names something declared.

Usage: check.py SHARDPLAY_BINARY SCENARIO_DIR... (the bundled scenarios and fixtures/,
which covers the options no bundled scenario uses)
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile

import hcl2

HERE = pathlib.Path(__file__).resolve().parent
FORMATS = {"cloudformation": "yaml", "cloudformation-json": "json", "terraform": "tf"}


def export_all(binary, dirs, out):
    files = {ext: [] for ext in FORMATS.values()}
    for scenario in sorted(p for d in dirs for p in pathlib.Path(d).glob("*.json")):
        for fmt, ext in FORMATS.items():
            target = out / f"{scenario.stem}.{ext}"
            subprocess.run([binary, "export", str(scenario), "--format", fmt, "--out", str(target)], check=True)
            files[ext].append(target)
    return files


def cfn_lint(files):
    cfn_lint_bin = pathlib.Path(sys.executable).with_name("cfn-lint")
    run = subprocess.run([str(cfn_lint_bin), "--format", "parseable", *map(str, files)], capture_output=True, text=True)
    lines = [l for l in run.stdout.splitlines() if l.strip()]
    errors = [l for l in lines if re.search(r":E\d+:", l)]
    warnings = [l for l in lines if re.search(r":W\d+:", l)]
    # cfn-lint's exit status is a bit mask: 1 fatal, 2 error, 4 warning, 8 info.
    if run.returncode & 3 or errors:
        print("\n".join(errors) or run.stderr)
        return [f"cfn-lint: {len(errors)} errors (exit {run.returncode})"]
    kinds = sorted({re.search(r":(W\d+):", w).group(1) for w in warnings})
    print(f"  cfn-lint: {len(files)} templates, 0 errors, {len(warnings)} warnings {kinds}")
    return []


def unquote(s):
    return s[1:-1] if isinstance(s, str) and len(s) >= 2 and s[0] == s[-1] == '"' else s


def check_body(where, body, schema, problems):
    for key in schema["required"]:
        if key not in body:
            problems.append(f"{where}: missing required argument {key}")
    for key in schema.get("required_blocks", []):
        if key not in body:
            problems.append(f"{where}: missing required block {key}")
    for key, value in body.items():
        if key in ("__is_block__", "depends_on"):
            continue
        is_block = isinstance(value, list) and value and all(isinstance(v, dict) and v.get("__is_block__") for v in value)
        if is_block:
            inner = schema["blocks"].get(key)
            if inner is None:
                problems.append(f"{where}: unknown block {key}")
                continue
            for item in value:
                check_body(f"{where}.{key}", item, inner, problems)
        elif key not in schema["required"] and key not in schema["optional"]:
            problems.append(f"{where}: unknown argument {key}")


def check_terraform(files, schema):
    problems = []
    types = schema["resource_schemas"]
    for path in files:
        doc = hcl2.loads(path.read_text())
        declared = set()
        for entry in doc.get("resource", []):
            for rtype, named in entry.items():
                for name in named:
                    declared.add(f"{unquote(rtype)}.{unquote(name)}")
        variables = {unquote(n) for entry in doc.get("variable", []) for n in entry}
        data = {f"{unquote(t)}.{unquote(n)}" for entry in doc.get("data", []) for t, named in entry.items() for n in named}
        for entry in doc.get("resource", []):
            for rtype, named in entry.items():
                rtype = unquote(rtype)
                for name, body in named.items():
                    where = f"{path.name}: {rtype}.{unquote(name)}"
                    if rtype not in types:
                        problems.append(f"{where}: resource type not in the provider schema extract")
                        continue
                    check_body(where, body, types[rtype], problems)
        text = json.dumps(doc)
        for ref in set(re.findall(r"(?<!data\.)\b(aws_[a-z0-9_]+\.[a-z0-9_]+)\.[a-z_]+", text)):
            if ref not in declared:
                problems.append(f"{path.name}: reference to undeclared {ref}")
        for var in set(re.findall(r"\bvar\.([a-z0-9_]+)", text)):
            if var not in variables:
                problems.append(f"{path.name}: undeclared variable {var}")
        for ref in set(re.findall(r"\bdata\.([a-z0-9_]+\.[a-z0-9_]+)", text)):
            if ref not in data:
                problems.append(f"{path.name}: undeclared data source {ref}")
    if not problems:
        print(f"  terraform: {len(files)} files parsed by python-hcl2, types and arguments match provider {schema['version']}")
    return problems


def main():
    binary, dirs = sys.argv[1], sys.argv[2:]
    schema = json.loads((HERE / "aws-provider-schema.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        files = export_all(binary, dirs, pathlib.Path(tmp))
        problems = cfn_lint(files["yaml"] + files["json"]) + check_terraform(files["tf"], schema)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
