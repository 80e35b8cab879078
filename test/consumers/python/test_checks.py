"""The Aspect and the validation plugin, from Python, across jsii."""
import json
import subprocess
import sys
import textwrap

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match

from cdk_sg_strategy import SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin

REASON = "legacy subnet-wide access, tracked in TICKET-42"


def flawed_app(outdir):
    """One SSH-from-the-world rule (an error) and one acknowledged whole-VPC rule (a warning)."""
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Checked", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
    web = ec2.SecurityGroup(stack, "Web", vpc=vpc, allow_all_outbound=False)
    web.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
    db = ec2.SecurityGroup(stack, "Db", vpc=vpc, allow_all_outbound=False)
    db.add_ingress_rule(ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(5432))
    cdk.Validations.of(db).acknowledge(cdk.Acknowledgment(id="sg-strategy::WideCidrIngress", reason=REASON))
    return app, stack


def report(outdir):
    with open(outdir / "sg-strategy-report.json", encoding="utf-8") as f:
        return json.load(f)


def assert_one_error_and_one_acknowledged(outdir):
    findings = report(outdir)["findings"]
    errors = [f for f in findings if f["level"] == "error" and not f["acknowledged"]]
    assert [(f["ruleId"], f["constructPath"]) for f in errors] == [("WorldOpenAdminPort", "Checked/Web/Resource")]
    acknowledged = [f for f in findings if f["acknowledged"]]
    assert [(f["ruleId"], f["reason"]) for f in acknowledged] == [("WideCidrIngress", REASON)]


def test_aspect_annotates_and_writes_the_report(tmp_path):
    app, stack = flawed_app(tmp_path)
    cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(), priority=cdk.AspectPriority.READONLY)
    app.synth()
    Annotations.from_stack(stack).has_error("/Checked/Web/Resource", Match.string_like_regexp("sg-strategy::WorldOpenAdminPort"))
    Annotations.from_stack(stack).has_no_warning("/Checked/Db/Resource", Match.string_like_regexp("WideCidrIngress"))
    assert_one_error_and_one_acknowledged(tmp_path)


def test_plugin_fails_synth_and_writes_the_report(tmp_path):
    app, _ = flawed_app(tmp_path)
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    with pytest.raises(Exception, match="WorldOpenAdminPort"):
        app.synth()
    assert_one_error_and_one_acknowledged(tmp_path)


# A whole app run as `python app.py`, outside the CDK CLI: what the README says each delivery does there.
PLAIN_APP = textwrap.dedent(
    """
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2
    from cdk_sg_strategy import SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin

    app = cdk.App()
    stack = cdk.Stack(app, "Plain", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
    ec2.SecurityGroup(stack, "Web", vpc=vpc, allow_all_outbound=False).add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
    if "{delivery}" == "aspect":
        cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(print_findings=True), priority=cdk.AspectPriority.READONLY)
    else:
        cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    app.synth()
    """
)


def run_plain_app(tmp_path, delivery):
    app = tmp_path / "app.py"
    app.write_text(PLAIN_APP.replace("{delivery}", delivery), encoding="utf-8")
    return subprocess.run([sys.executable, str(app)], capture_output=True, text=True, timeout=300, check=False)


def test_python_app_py_with_the_aspect_exits_0_and_print_findings_shows_the_table(tmp_path):
    result = run_plain_app(tmp_path, "aspect")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("sg-strategy: 1 error, ") for line in lines), result.stderr
    # The table gives the rule and the place on one line, and what is open on the next.
    row = next((i for i, line in enumerate(lines) if line.startswith("  ERROR   WorldOpenAdminPort")), None)
    assert row is not None and row + 1 < len(lines), result.stderr
    assert lines[row].rstrip().endswith(" Plain/Web"), result.stderr
    assert lines[row + 1].strip().startswith("Plain/Web admits tcp 22 from 0.0.0.0/0"), result.stderr
    # The reports are in the App's temporary directory, and the table says that they will be gone.
    assert "CDK removes this temporary directory when the app exits" in result.stderr
    # Printed through the jsii runtime as text, not as Python bytes.
    assert not any(line.startswith("b'") for line in lines), result.stderr


def test_python_app_py_with_the_plugin_fails(tmp_path):
    result = run_plain_app(tmp_path, "plugin")
    assert result.returncode != 0
    assert "WorldOpenAdminPort" in result.stderr
