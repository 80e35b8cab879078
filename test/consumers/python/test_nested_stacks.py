"""Nested stacks through the wheel: the Aspect and the plugin see them with and without the CDK CLI's metadata."""
import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from cdk_sg_strategy import SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin

CLI_METADATA = {"aws:cdk:enable-asset-metadata": True, "aws:cdk:enable-path-metadata": True}
EXPECTED = [
    ("WorldOpenAdminPort", "Top/Child/Ssh", "Top/Child"),
    ("WorldOpenDataPort", "Top/Child/Grand/Zk", "Top/Child/Grand"),
]


def nested_app(outdir, context):
    """SSH open to the world in a nested stack, ZooKeeper in one nested in that, on the parent's group."""
    app = cdk.App(outdir=str(outdir), context=context)
    top = cdk.Stack(app, "Top", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    vpc = ec2.Vpc(top, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
    broker = ec2.SecurityGroup(top, "Broker", vpc=vpc, allow_all_outbound=False)
    child = cdk.NestedStack(top, "Child")
    ec2.CfnSecurityGroupIngress(child, "Ssh", group_id=broker.security_group_id, ip_protocol="tcp", from_port=22, to_port=22, cidr_ip="0.0.0.0/0")
    grand = cdk.NestedStack(child, "Grand")
    ec2.CfnSecurityGroupIngress(grand, "Zk", group_id=broker.security_group_id, ip_protocol="tcp", from_port=2181, to_port=2181, cidr_ip="0.0.0.0/0")
    return app


def errors(outdir):
    with open(outdir / "sg-strategy-report.json", encoding="utf-8") as f:
        findings = json.load(f)["findings"]
    return sorted((f["ruleId"], f["constructPath"], f["stackName"]) for f in findings if f["level"] == "error")


@pytest.mark.parametrize("context", [{}, CLI_METADATA], ids=["python app.py", "cdk synth"])
def test_the_plugin_fails_synth_on_nested_stacks(tmp_path, context):
    app = nested_app(tmp_path, context)
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    # The rule opens the parent's group; the failure names both, and the nested stack's resource that opens it.
    with pytest.raises(RuntimeError, match=r"WorldOpenAdminPort: Top/Broker admits tcp 22[^\n]*\n\s*Top/Child/Ssh "):
        app.synth()
    assert errors(tmp_path) == EXPECTED


@pytest.mark.parametrize("context", [{}, CLI_METADATA], ids=["python app.py", "cdk synth"])
def test_the_aspect_reports_nested_stacks_by_readable_names(tmp_path, context):
    app = nested_app(tmp_path, context)
    cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(), priority=cdk.AspectPriority.READONLY)
    app.synth()
    assert errors(tmp_path) == EXPECTED
