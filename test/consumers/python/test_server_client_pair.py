"""The published wheel, used from Python as a user would."""
import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_rds as rds
from aws_cdk.assertions import Template

from cdk_sg_strategy import ServerClientPair

DENY_ALL_PLACEHOLDER = {"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}


def group_ref(value):
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return value["Fn::GetAtt"][0]
    return value


def rules(template, group_id, direction):
    """Inline and standalone rules of one group, without its GroupId."""
    resources = template["Resources"]
    inline_key = "SecurityGroupIngress" if direction == "ingress" else "SecurityGroupEgress"
    found = list(resources[group_id]["Properties"].get(inline_key, []))
    standalone_type = "AWS::EC2::SecurityGroupIngress" if direction == "ingress" else "AWS::EC2::SecurityGroupEgress"
    for res in resources.values():
        if res["Type"] == standalone_type and group_ref(res["Properties"]["GroupId"]) == group_id:
            found.append({k: v for k, v in res["Properties"].items() if k != "GroupId"})
    return found


def group_by_description(template, prefix):
    ids = [
        logical_id
        for logical_id, res in template["Resources"].items()
        if res["Type"] == "AWS::EC2::SecurityGroup" and res["Properties"]["GroupDescription"].startswith(prefix)
    ]
    assert len(ids) == 1, ids
    return ids[0]


def is_all_egress(rule):
    return rule.get("IpProtocol") in ("-1", -1) and (rule.get("CidrIp") == "0.0.0.0/0" or rule.get("CidrIpv6") == "::/0")


@pytest.fixture
def stack():
    app = cdk.App()
    return cdk.Stack(app, "Consumer", env=cdk.Environment(account="111111111111", region="eu-west-1"))


def test_server_admits_only_the_client_group_on_the_port(stack):
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    ServerClientPair(stack, "Pair", vpc=vpc, name="db", ports=[ec2.Port.tcp(5432)])
    template = Template.from_stack(stack).to_json()
    server = group_by_description(template, "db: server")
    client = group_by_description(template, "db-clients:")

    ingress = rules(template, server, "ingress")
    assert len(ingress) == 1
    assert group_ref(ingress[0]["SourceSecurityGroupId"]) == client
    assert (ingress[0]["IpProtocol"], ingress[0]["FromPort"], ingress[0]["ToPort"]) == ("tcp", 5432, 5432)

    assert rules(template, server, "egress") == [DENY_ALL_PLACEHOLDER | {"Description": "Disallow all traffic"}]
    client_egress = rules(template, client, "egress")
    assert [group_ref(r.get("DestinationSecurityGroupId")) for r in client_egress if r.get("CidrIp") != DENY_ALL_PLACEHOLDER["CidrIp"]] == [server]
    # AWS keeps its default allow-all egress on a group that states no inline egress rule.
    for group in (server, client):
        assert template["Resources"][group]["Properties"].get("SecurityGroupEgress"), group
    assert not any(is_all_egress(r) for r in client_egress + rules(template, server, "egress"))


def test_a_lambda_client_gets_the_client_group(stack):
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    pair = ServerClientPair(stack, "Pair", vpc=vpc, name="db", ports=[ec2.Port.tcp(5432)])
    fn = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=vpc,
    )
    pair.add_client(fn)
    template = Template.from_stack(stack).to_json()
    client = group_by_description(template, "db-clients:")
    function = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    assert client in [group_ref(g) for g in function["Properties"]["VpcConfig"]["SecurityGroupIds"]]


def test_drop_automatic_security_group_leaves_only_the_pairs_groups(stack):
    # The README's Python example: the function and the database carry the pair's groups and nothing else.
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    db = ServerClientPair(stack, "Database", vpc=vpc, name="orders-db", ports=[ec2.Port.tcp(5432)])
    database = rds.DatabaseInstance(
        stack,
        "Postgres",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
    )
    handler = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=vpc,
    )
    db.add_server(database, drop_automatic_security_group=True)
    db.add_client(handler, drop_automatic_security_group=True)
    template = Template.from_stack(stack).to_json()
    server = group_by_description(template, "orders-db: server")
    client = group_by_description(template, "orders-db-clients:")
    resources = template["Resources"].values()
    instance = next(r for r in resources if r["Type"] == "AWS::RDS::DBInstance")
    function = next(r for r in resources if r["Type"] == "AWS::Lambda::Function")
    assert [group_ref(g) for g in instance["Properties"]["VPCSecurityGroups"]] == [server]
    assert [group_ref(g) for g in function["Properties"]["VpcConfig"]["SecurityGroupIds"]] == [client]
    groups = [r for r in resources if r["Type"] == "AWS::EC2::SecurityGroup"]
    assert len(groups) == 2


def test_all_traffic_is_refused_with_the_construct_path(stack):
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    with pytest.raises(Exception, match=r"Consumer/Pair: .*every protocol"):
        ServerClientPair(stack, "Pair", vpc=vpc, ports=[ec2.Port.all_traffic()])
