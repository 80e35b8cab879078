"""LockedDefaultSecurityGroup and its Aspect from the published wheel: the handler asset ships with it."""
import os

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from cdk_sg_strategy import LockDefaultSecurityGroups, LockedDefaultSecurityGroup

LOCKER_TYPE = "Custom::SgStrategyLockedDefaultSecurityGroup"
ENV = cdk.Environment(account="111111111111", region="eu-west-1")


def test_aspect_locks_every_vpc_once_and_the_handler_code_is_in_the_assembly(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Network", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    ec2.CfnVPC(stack, "Raw", cidr_block="10.9.0.0/16")
    LockedDefaultSecurityGroup(stack, "ByHand", vpc=vpc, relock_on_drift=True)
    cdk.Aspects.of(app).add(LockDefaultSecurityGroups())

    assembly = app.synth()
    template = Template.from_stack(stack).to_json()
    lockers = [r for r in template["Resources"].values() if r["Type"] == LOCKER_TYPE]
    assert sorted(str(r["Properties"]["VpcId"]) for r in lockers) == sorted(
        [str({"Ref": stack.get_logical_id(vpc.node.default_child)}), str({"Ref": "Raw"})]
    )
    # The bundled handler reached the cloud assembly as a Lambda asset with an index.js.
    handler_dirs = [
        os.path.join(assembly.directory, entry)
        for entry in os.listdir(assembly.directory)
        if entry.startswith("asset.") and os.path.isfile(os.path.join(assembly.directory, entry, "index.js"))
    ]
    assert any("DescribeSecurityGroupRules" in open(os.path.join(d, "index.js")).read() for d in handler_dirs)


def test_an_imported_vpc_without_its_default_group_id_is_an_error_naming_the_construct():
    app = cdk.App()
    stack = cdk.Stack(app, "Network", env=ENV)
    imported = ec2.Vpc.from_vpc_attributes(stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a"])
    with pytest.raises(Exception, match="Network/Lock: an imported VPC needs defaultSecurityGroupId"):
        LockedDefaultSecurityGroup(stack, "Lock", vpc=imported)
