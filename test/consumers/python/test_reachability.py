"""Reachability policies, from Python, across jsii: one that holds, one that does not, and the witness."""
import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_rds as rds
from aws_cdk.assertions import Annotations, Match

from cdk_sg_strategy import (
    ReachabilityEndpoint,
    ReachabilityPolicy,
    SecurityGroupStrategyChecks,
    SecurityGroupStrategyPlugin,
    Tier,
)

RULE = "ReachabilityViolation"


def function(stack, name, vpc, group):
    return lambda_.Function(
        stack,
        name,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        security_groups=[group],
    )


def orders_app(outdir):
    """The api reaches the database on 5432; the database admits the worker too, but the worker cannot send."""
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Orders", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, restrict_default_security_group=True)
    db_group = ec2.SecurityGroup(stack, "DbSg", vpc=vpc, allow_all_outbound=False)
    db = rds.DatabaseInstance(
        stack,
        "Db",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
        storage_encrypted=True,
        security_groups=[db_group],
    )
    api_group = ec2.SecurityGroup(stack, "ApiSg", vpc=vpc, allow_all_outbound=False)
    api = function(stack, "Api", vpc, api_group)
    api.connections.allow_to(db, ec2.Port.tcp(5432))
    worker_group = ec2.SecurityGroup(stack, "WorkerSg", vpc=vpc, allow_all_outbound=False)
    worker = function(stack, "Worker", vpc, worker_group)
    # Ingress for the worker, and no egress: the Lambda would time out on the database in production.
    db_group.add_ingress_rule(worker_group, ec2.Port.tcp(5432))
    Tier.assign(api, "api")
    Tier.assign(worker, "worker")

    policy = ReachabilityPolicy(stack, "Reachability")
    # Holds: the api tier reaches the database, on 5432 only, and so could the worker's group if it sent.
    policy.only_from(
        ReachabilityEndpoint.of(db),
        [ReachabilityEndpoint.tier("api"), ReachabilityEndpoint.tier("worker")],
        ports=[ec2.Port.tcp(5432)],
    )
    policy.not_from_internet(ReachabilityEndpoint.of(stack))
    # Violated: the worker must reach the database.
    policy.must_reach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(db), ec2.Port.tcp(5432))
    return app, stack, worker, vpc, db_group


def read(outdir, name):
    with open(outdir / name, encoding="utf-8") as f:
        return json.load(f)


def violations(outdir):
    return [f for f in read(outdir, "sg-strategy-report.json")["findings"] if f["ruleId"] == RULE]


def assert_the_must_reach_is_the_one_violation(outdir):
    found = violations(outdir)
    assert [(f["level"], f["constructPath"], f["acknowledged"]) for f in found] == [("error", "Orders/Worker/Resource", False)]
    message = found[0]["message"]
    assert "`Orders/Worker` (carries `Orders/WorkerSg`) cannot reach `Orders/Db` (carries `Orders/DbSg`) on tcp 5432" in message
    assert "the egress of `Orders/WorkerSg` does not send tcp 5432 to it" in message
    assert "The smallest fix: an egress rule on `Orders/WorkerSg` to `Orders/DbSg` on tcp 5432." in message


def test_aspect_reports_the_broken_must_reach_with_the_missing_side_and_the_smallest_fix(tmp_path):
    app, stack, *_ = orders_app(tmp_path)
    cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(), priority=cdk.AspectPriority.READONLY)
    app.synth()
    Annotations.from_stack(stack).has_error("/Orders/Worker/Resource", Match.string_like_regexp("sg-strategy::ReachabilityViolation"))
    assert_the_must_reach_is_the_one_violation(tmp_path)
    # The matrix shows the flow the policy that holds is about, through the two rules that make it.
    matrix = read(tmp_path, "sg-strategy-reachability.json")
    labels = {e["id"]: e["label"] for e in matrix["endpoints"]}
    flows = [(labels[a["from"]], labels[a["to"]], a["certain"]) for a in matrix["access"]]
    assert ("Orders/Api", "Orders/Db", ["tcp 5432"]) in flows
    assert not any(source == "Orders/Worker" for source, _, _ in flows)
    assert [v["constructPath"] for v in matrix["violations"]] == ["Orders/Worker/Resource"]


def test_plugin_fails_synth_on_the_violation(tmp_path):
    app, *_ = orders_app(tmp_path)
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    with pytest.raises(Exception, match="ReachabilityViolation"):
        app.synth()
    assert_the_must_reach_is_the_one_violation(tmp_path)


def test_acknowledged_like_any_other_finding(tmp_path):
    app, _, worker, *_ = orders_app(tmp_path)
    reason = "the worker moves to the queue in TICKET-9"
    cdk.Validations.of(worker).acknowledge(cdk.Acknowledgment(id="sg-strategy::ReachabilityViolation", reason=reason))
    cdk.Validations.of(app).add_plugins(SecurityGroupStrategyPlugin())
    app.synth()
    assert [(f["acknowledged"], f["reason"]) for f in violations(tmp_path)] == [(True, reason)]


def test_the_policy_that_holds_breaks_when_the_database_admits_the_vpc(tmp_path):
    app, _, _, vpc, db_group = orders_app(tmp_path)
    db_group.add_ingress_rule(ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(5432))
    cdk.Aspects.of(app).add(SecurityGroupStrategyChecks(), priority=cdk.AspectPriority.READONLY)
    app.synth()
    messages = [f["message"] for f in violations(tmp_path)]
    assert len(messages) == 2
    only_from = [m for m in messages if "may reach Orders/Db" in m]
    assert len(only_from) == 1
    assert "admits any host in 10.0.0.0/16 on tcp 5432" in only_from[0]
    assert "routes, network ACLs and public addresses are out of scope" in only_from[0]


def test_bad_input_names_the_policy_construct():
    app = cdk.App()
    stack = cdk.Stack(app, "Orders")
    policy = ReachabilityPolicy(stack, "Reachability")
    with pytest.raises(Exception, match="Orders/Reachability: only_from needs at least one source; to say nothing may reach it, use never"):
        policy.only_from(ReachabilityEndpoint.of(stack), [])
