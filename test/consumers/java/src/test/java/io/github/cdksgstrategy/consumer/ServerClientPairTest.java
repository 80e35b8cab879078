package io.github.cdksgstrategy.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdksgstrategy.ServerClientPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.Vpc;

/** The published Maven artifact, used from Java as a user would. */
class ServerClientPairTest {
    private Stack stack;
    private Vpc vpc;

    @BeforeEach
    void setUp() {
        App app = new App();
        stack = new Stack(app, "Consumer", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build())
                .build());
        vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).natGateways(0).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resources(Map<String, Object> template) {
        return (Map<String, Object>) template.get("Resources");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Object resource) {
        return (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
    }

    private static String type(Object resource) {
        return (String) ((Map<?, ?>) resource).get("Type");
    }

    private static String groupRef(Object value) {
        if (value instanceof Map<?, ?> map && map.get("Fn::GetAtt") instanceof List<?> att) {
            return (String) att.get(0);
        }
        return String.valueOf(value);
    }

    private static String groupByDescription(Map<String, Object> template, String prefix) {
        List<String> ids = new ArrayList<>();
        resources(template).forEach((id, res) -> {
            if ("AWS::EC2::SecurityGroup".equals(type(res))
                    && ((String) props(res).get("GroupDescription")).startsWith(prefix)) {
                ids.add(id);
            }
        });
        assertEquals(1, ids.size(), "groups described as " + prefix);
        return ids.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(Map<String, Object> template, String groupId, String direction) {
        String inlineKey = direction.equals("ingress") ? "SecurityGroupIngress" : "SecurityGroupEgress";
        String standaloneType = direction.equals("ingress") ? "AWS::EC2::SecurityGroupIngress" : "AWS::EC2::SecurityGroupEgress";
        List<Map<String, Object>> found = new ArrayList<>();
        Object inline = props(resources(template).get(groupId)).get(inlineKey);
        if (inline != null) {
            found.addAll((List<Map<String, Object>>) inline);
        }
        for (Object res : resources(template).values()) {
            if (standaloneType.equals(type(res)) && groupId.equals(groupRef(props(res).get("GroupId")))) {
                found.add(props(res));
            }
        }
        return found;
    }

    private static boolean isAllEgress(Map<String, Object> rule) {
        return "-1".equals(String.valueOf(rule.get("IpProtocol")))
                && ("0.0.0.0/0".equals(rule.get("CidrIp")) || "::/0".equals(rule.get("CidrIpv6")));
    }

    @Test
    void serverAdmitsOnlyTheClientGroupOnThePort() {
        ServerClientPair.Builder.create(stack, "Pair").vpc(vpc).name("db").ports(List.of(Port.tcp(5432))).build();
        Map<String, Object> template = Template.fromStack(stack).toJSON();
        String server = groupByDescription(template, "db: server");
        String client = groupByDescription(template, "db-clients:");

        List<Map<String, Object>> ingress = rules(template, server, "ingress");
        assertEquals(1, ingress.size());
        assertEquals(client, groupRef(ingress.get(0).get("SourceSecurityGroupId")));
        assertEquals("tcp", ingress.get(0).get("IpProtocol"));
        assertEquals(5432, ((Number) ingress.get(0).get("FromPort")).intValue());
        assertEquals(5432, ((Number) ingress.get(0).get("ToPort")).intValue());

        List<Map<String, Object>> serverEgress = rules(template, server, "egress");
        assertEquals(1, serverEgress.size());
        assertEquals("255.255.255.255/32", serverEgress.get(0).get("CidrIp"));

        List<Map<String, Object>> clientEgress = rules(template, client, "egress");
        List<Map<String, Object>> clientRealEgress = clientEgress.stream()
                .filter(r -> !"255.255.255.255/32".equals(r.get("CidrIp"))).toList();
        assertEquals(1, clientRealEgress.size());
        assertEquals(server, groupRef(clientRealEgress.get(0).get("DestinationSecurityGroupId")));
        // AWS keeps its default allow-all egress on a group that states no inline egress rule.
        for (String group : List.of(server, client)) {
            Object inline = props(resources(template).get(group)).get("SecurityGroupEgress");
            assertTrue(inline instanceof List<?> list && !list.isEmpty(), group + " has inline egress");
        }

        List<Map<String, Object>> all = new ArrayList<>(serverEgress);
        all.addAll(clientEgress);
        assertFalse(all.stream().anyMatch(ServerClientPairTest::isAllEgress));
    }

    @Test
    void allTrafficIsRefusedWithTheConstructPath() {
        RuntimeException error = assertThrows(RuntimeException.class, () ->
                ServerClientPair.Builder.create(stack, "Pair").vpc(vpc).ports(List.of(Port.allTraffic())).build());
        assertTrue(error.getMessage().contains("Consumer/Pair: "), error.getMessage());
    }
}
