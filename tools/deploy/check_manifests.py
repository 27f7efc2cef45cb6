"""Validates rendered Kubernetes manifests without network.

Core kinds go against the Kubernetes JSON schemas bundled in the kubernetes-validate package (strict: a
field Kubernetes does not know is an error). Custom resources go against the openAPIV3Schema of their
CustomResourceDefinition, given with --crd (KEDA's and the Prometheus Operator's, fetched by
tools/infra/up.sh deploy from their Go modules), made strict the same way: an object schema that lists its
properties refuses others unless it says x-kubernetes-preserve-unknown-fields.

usage: check_manifests.py [-k 1.30.0] [--crd FILE]... MANIFESTS.yaml...   (exit 1 on any problem)
"""
import argparse
import copy
import sys

import jsonschema
import yaml
from kubernetes_validate import utils


def strict(schema):
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def crd_schemas(files):
    schemas = {}
    for file in files:
        with open(file) as handle:
            for crd in yaml.safe_load_all(handle):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                group = crd["spec"]["group"]
                kind = crd["spec"]["names"]["kind"]
                for version in crd["spec"]["versions"]:
                    schema = version["schema"]["openAPIV3Schema"]
                    schemas[(f"{group}/{version['name']}", kind)] = strict(schema)
    return schemas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", "--kubernetes-version", default="1.30.0")
    parser.add_argument("--crd", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    custom = crd_schemas(args.crd)
    problems, checked = [], 0
    for file in args.files:
        with open(file) as handle:
            for doc in yaml.safe_load_all(handle):
                if not doc:
                    continue
                checked += 1
                name = f"{file}: {doc.get('kind')} {doc.get('metadata', {}).get('name')}"
                key = (doc.get("apiVersion"), doc.get("kind"))
                try:
                    if key in custom:
                        jsonschema.validate(doc, custom[key])
                    else:
                        utils.validate(doc, args.kubernetes_version, strict=True)
                except jsonschema.ValidationError as error:
                    path = ".".join(str(p) for p in error.absolute_path)
                    problems.append(f"{name}: {path}: {error.message}")
                except utils.ValidationError as error:
                    problems.append(f"{name}: {error}")
                except utils.SchemaNotFoundError as error:
                    problems.append(f"{name}: no schema for {key[0]} {key[1]} ({error})")
    for problem in problems:
        print(problem)
    print(f"{checked} manifests checked against Kubernetes {args.kubernetes_version}: {len(problems)} problems")
    return 1 if problems or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
