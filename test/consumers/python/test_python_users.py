"""What a Python user writes and reads: acknowledgements, levels, option errors, fix texts and a failed synth."""
import json
import os
import subprocess
import sys
import textwrap

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from cdk_sg_strategy import FindingAcknowledgements, FindingLevel, SecurityGroupStrategyChecks, SecurityGroupStrategyPlugin

ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def open_app(outdir, port=22, **app_props):
    """One group open to the world on `port`, which allows all egress (UnrestrictedEgress, a warning)."""
    app = cdk.App(outdir=str(outdir), **app_props)
    stack = cdk.Stack(app, "Checked", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
    group = ec2.SecurityGroup(stack, "Open", vpc=vpc)
    group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port))
    return app, stack, group


def findings(outdir):
    with open(outdir / "sg-strategy-report.json", encoding="utf-8") as f:
        return json.load(f)["findings"]


def validation_rules(outdir):
    """The rules CDK's validation report lists for the open group (it leaves out acknowledged ones)."""
    with open(outdir / "validation-report.json", encoding="utf-8") as f:
        report = json.load(f)
    return sorted(
        f"{r['pluginName']}: {v['ruleName']}"
        for r in report["pluginReports"]
        for v in r["violations"]
        if any(c["constructPath"].startswith("Checked/Open") for c in v["violatingConstructs"])
    )


def test_acknowledging_with_cdk_acknowledgment(tmp_path):
    app, _, group = open_app(tmp_path)
    cdk.Validations.of(group).acknowledge(cdk.Acknowledgment(id="sg-strategy::WorldOpenAdminPort", reason="break-glass bastion"))
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    app.synth()
    ssh = next(f for f in findings(tmp_path) if f["ruleId"] == "WorldOpenAdminPort")
    assert (ssh["acknowledged"], ssh["reason"]) == (True, "break-glass bastion")
    # CDK's built-in validation still warns on the same exposure, under its own id.
    assert "CloudFormation Validate: W2508" in validation_rules(tmp_path)


def test_finding_acknowledgements_acknowledges_ours_and_the_built_in_w2508(tmp_path):
    app, _, group = open_app(tmp_path)
    ids = FindingAcknowledgements.acknowledge(group, "WorldOpenAdminPort", "break-glass bastion")
    assert ids == ["sg-strategy::WorldOpenAdminPort", "CloudFormation-Validate::W2508"]
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    app.synth()
    assert validation_rules(tmp_path) == ["sg-strategy: UnattachedSecurityGroup", "sg-strategy: UnrestrictedEgress"]


@pytest.mark.parametrize("level", [FindingLevel.ERROR, "error", "ERROR"], ids=["FindingLevel.ERROR", "'error'", "'ERROR'"])
def test_a_level_override_as_enum_or_string(tmp_path, level):
    app, _, group = open_app(tmp_path)
    FindingAcknowledgements.acknowledge(group, "WorldOpenAdminPort", "break-glass bastion")
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin(rule_levels={"UnrestrictedEgress": level}))
    with pytest.raises(RuntimeError, match="UnrestrictedEgress: Checked/Open sends all traffic"):
        app.synth()
    egress = next(f for f in findings(tmp_path) if f["ruleId"] == "UnrestrictedEgress")
    assert egress["level"] == "error"


def test_option_errors_name_the_options_as_python_does():
    with pytest.raises(RuntimeError, match=r"rule_levels: UnrestrictedEgress is 'fatal', which is not a level: use 'error', 'warning' or 'info', or FindingLevel.ERROR"):
        SecurityGroupStrategyChecks(rule_levels={"UnrestrictedEgress": "fatal"})
    with pytest.raises(RuntimeError, match=r"admin_ports: 70000 is not a port"):
        SecurityGroupStrategyPlugin(admin_ports=[70000])


def test_fix_texts_name_python_arguments(tmp_path):
    app, _, _ = open_app(tmp_path)
    cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(), priority=cdk.AspectPriority.READONLY)
    app.synth()
    egress = next(f for f in findings(tmp_path) if f["ruleId"] == "UnrestrictedEgress")
    assert "`allow_all_outbound=False`" in egress["fix"]
    assert "allowAllOutbound" not in egress["fix"]


def test_a_failed_synth_of_python_app_py_says_which_findings_failed_it(tmp_path):
    """Run as `python app.py`, outside pytest, where CDK's own error would only name the report's file."""
    (tmp_path / "app.py").write_text(textwrap.dedent(f"""
        import aws_cdk as cdk
        from aws_cdk import aws_ec2 as ec2
        from cdk_sg_strategy import SecurityGroupStrategyPlugin

        app = cdk.App(outdir={str(tmp_path / "cdk.out")!r})
        stack = cdk.Stack(app, "Checked", env=cdk.Environment(account="111111111111", region="eu-west-1"))
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=True)
        ec2.SecurityGroup(stack, "Open", vpc=vpc, allow_all_outbound=False).add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
        cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
        app.synth()
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    run = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1
    last = run.stderr[run.stderr.index("RuntimeError: "):]
    assert "ERROR WorldOpenAdminPort: Checked/Open admits tcp 22 from 0.0.0.0/0" in last
    assert "Checked/Open/Resource" in last
