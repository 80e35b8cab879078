"""OpenIngressRemediator and SecurityGroupMonitoring from the published wheel."""
import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk.assertions import Template

from cdk_sg_strategy import OpenIngressRemediator, SecurityGroupMonitoring

ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def resources(template, type_):
    return [r for r in template["Resources"].values() if r["Type"] == type_]


def test_remediator_in_dry_run_records_but_may_not_revoke():
    app = cdk.App()
    stack = cdk.Stack(app, "Ops", env=ENV)
    OpenIngressRemediator(stack, "Remediator", dry_run=True, allowed_ports=[443], schedule=events.Schedule.cron(minute="0"))
    template = Template.from_stack(stack).to_json()
    function = next(f for f in resources(template, "AWS::Lambda::Function") if "OpenIngressRemediator" in f["Properties"]["Description"])
    assert function["Properties"]["Environment"]["Variables"]["DRY_RUN"] == "true"
    assert function["Properties"]["Environment"]["Variables"]["ALLOWED_PORTS"] == "443"
    actions = [a for p in resources(template, "AWS::IAM::Policy") for s in p["Properties"]["PolicyDocument"]["Statement"]
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    # A dry run may neither revoke nor authorize, so it can neither close a rule nor revert one.
    assert "ec2:RevokeSecurityGroupIngress" not in actions
    assert "ec2:AuthorizeSecurityGroupIngress" not in actions
    assert "ec2:DescribeSecurityGroupRules" in actions
    assert [r["Properties"]["ScheduleExpression"] for r in resources(template, "AWS::Events::Rule") if "ScheduleExpression" in r["Properties"]] == ["cron(0 * * * ? *)"]


def test_monitoring_rules_and_its_bad_input():
    app = cdk.App()
    stack = cdk.Stack(app, "Ops", env=ENV)
    SecurityGroupMonitoring(stack, "Monitoring", restricted_ports=[22, 3389], change_rate_alarm=True)
    template = Template.from_stack(stack).to_json()
    identifiers = sorted(r["Properties"]["Source"]["SourceIdentifier"] for r in resources(template, "AWS::Config::ConfigRule"))
    assert identifiers == [
        "EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC", "INCOMING_SSH_DISABLED", "RESTRICTED_INCOMING_TRAFFIC",
        "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
    ]
    assert len(resources(template, "AWS::CloudWatch::Alarm")) == 1
    with pytest.raises(Exception, match="Ops/TooMany: restrictedPorts holds 6 ports"):
        SecurityGroupMonitoring(stack, "TooMany", restricted_ports=[1, 2, 3, 4, 5, 6])
