"""Transform a SAM template offline, as CloudFormation would, and print it.

Usage: python3 transform.py <template.yaml> <stack name> <region> <account> [Key=Value ...]

Uses the samtranslator package (the one cfn-lint runs) and cfn-lint's YAML
reader for the short intrinsic tags. CodeUri is replaced by a dummy S3
location and a state machine's DefinitionUri by its file's definition, as
`sam package` would upload them. Managed policies are resolved from a fixed
map of the ones SAM itself adds, with no call to IAM.
"""
import json
import os
import sys

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform

MANAGED = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}


class ManagedPolicies:
    def load(self):
        return MANAGED


def main(argv):
    path, stack, region, account = argv[1:5]
    os.environ["AWS_DEFAULT_REGION"] = region
    with open(path) as f:
        template = json.loads(json.dumps(cfn_yaml.loads(f.read())))
    base = os.path.dirname(os.path.abspath(path))
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function":
            props["CodeUri"] = "s3://touchaudit-package/code.zip"
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            with open(os.path.join(base, props.pop("DefinitionUri"))) as f:
                props["Definition"] = json.load(f)
    params = {"AWS::StackName": stack, "AWS::Region": region, "AWS::AccountId": account, "AWS::Partition": "aws"}
    for kv in argv[5:]:
        k, v = kv.split("=", 1)
        params[k] = v
    out = transform(template, params, ManagedPolicies())
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv)
