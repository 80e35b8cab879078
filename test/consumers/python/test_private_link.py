"""SecuredNetworkLoadBalancer and PrivateLinkServiceSwap from the published wheel."""
import os

import aws_cdk as cdk
import pytest
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2_targets as targets
from aws_cdk.assertions import Template

from cdk_sg_strategy import PrivateLinkServiceSwap, SecuredNetworkLoadBalancer

ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def network():
    app = cdk.App()
    stack = cdk.Stack(app, "Provider", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    return app, stack, vpc


def test_add_targets_called_from_python_opens_the_target_to_the_nlb_alone():
    _, stack, vpc = network()
    nlb = SecuredNetworkLoadBalancer(stack, "Nlb", vpc=vpc, clients=[ec2.Peer.ipv4("192.0.2.0/24")])
    group = autoscaling.AutoScalingGroup(
        stack, "Asg", vpc=vpc,
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.latest_amazon_linux2023(),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
    )
    # The listener comes back to Python as an elbv2.NetworkListener; its add_targets is the wired one.
    nlb.add_listener("Tls", port=443).add_targets("App", port=8443, targets=[group])

    template = Template.from_stack(stack).to_json()
    asg_group = stack.get_logical_id(group.connections.security_groups[0].node.default_child)
    nlb_group = stack.get_logical_id(nlb.security_group.node.default_child)
    ingress = [
        r["Properties"] for r in template["Resources"].values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress" and r["Properties"]["GroupId"]["Fn::GetAtt"][0] == asg_group
    ]
    assert [(r["FromPort"], r["SourceSecurityGroupId"]["Fn::GetAtt"][0]) for r in ingress] == [(8443, nlb_group)]
    lb = next(r for r in template["Resources"].values() if r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert lb["Properties"]["SecurityGroups"] == [{"Fn::GetAtt": [nlb_group, "GroupId"]}]


def test_disable_security_groups_is_refused_naming_the_construct():
    _, stack, vpc = network()
    with pytest.raises(Exception, match="Provider/Nlb: disableSecurityGroups is refused"):
        SecuredNetworkLoadBalancer(stack, "Nlb", vpc=vpc, disable_security_groups=True)


def test_swap_orders_reject_service_accept_and_ships_its_handler(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Provider", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    nlb = SecuredNetworkLoadBalancer(stack, "Nlb", vpc=vpc, for_private_link=True)
    nlb.add_listener("Tls", port=443).add_targets("Ip", port=443, targets=[targets.IpTarget("10.0.1.10")])
    swap = PrivateLinkServiceSwap(stack, "Swap", load_balancers=[nlb], client_endpoint_ids=["vpce-0123456789abcdef0"])

    assembly = app.synth()
    resources = Template.from_stack(stack).to_json()["Resources"]
    service = stack.get_logical_id(swap.cfn_endpoint_service)
    reject = next(k for k, r in resources.items() if r["Type"] == "Custom::SgStrategyPrivateLinkReject")
    accept = next(k for k, r in resources.items() if r["Type"] == "Custom::SgStrategyPrivateLinkAccept")
    assert reject in resources[service]["DependsOn"]
    assert resources[accept]["Properties"]["ServiceId"] == {"Ref": service}
    with pytest.raises(Exception, match="Provider/Bad: clientEndpointIds holds \"sg-123\""):
        PrivateLinkServiceSwap(stack, "Bad", load_balancers=[nlb], client_endpoint_ids=["sg-123"])
    handler_dirs = [
        os.path.join(assembly.directory, entry)
        for entry in os.listdir(assembly.directory)
        if entry.startswith("asset.") and os.path.isfile(os.path.join(assembly.directory, entry, "index.js"))
    ]
    assert any("RejectVpcEndpointConnections" in open(os.path.join(d, "index.js")).read() for d in handler_dirs)
