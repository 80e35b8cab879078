package io.github.cdksgstrategy.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdksgstrategy.SecurityGroupStrategyChecks;
import io.github.cdksgstrategy.SecurityGroupStrategyPlugin;
import io.github.cdksgstrategy.SecurityGroupStrategyPluginProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AspectOptions;
import software.amazon.awscdk.AspectPriority;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;

/** The Aspect and the validation plugin, from Java, across jsii. */
class ChecksTest {
    private static final String REASON = "legacy subnet-wide access, tracked in TICKET-42";

    private record Flawed(App app, Stack stack) {}

    /** One SSH-from-the-world rule (an error) and one acknowledged whole-VPC rule (a warning). */
    private static Flawed flawedApp(Path outdir) {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        Stack stack = new Stack(app, "Checked", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(1).natGateways(0).restrictDefaultSecurityGroup(true).build();
        SecurityGroup web = SecurityGroup.Builder.create(stack, "Web").vpc(vpc).allowAllOutbound(false).build();
        web.addIngressRule(Peer.anyIpv4(), Port.tcp(22));
        SecurityGroup db = SecurityGroup.Builder.create(stack, "Db").vpc(vpc).allowAllOutbound(false).build();
        db.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(5432));
        Validations.of(db).acknowledge(Acknowledgment.builder().id("sg-strategy::WideCidrIngress").reason(REASON).build());
        return new Flawed(app, stack);
    }

    private static void assertOneErrorAndOneAcknowledged(Path outdir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(Files.readString(outdir.resolve("sg-strategy-report.json")));
        List<String> errors = new ArrayList<>();
        List<String> acknowledged = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("acknowledged").asBoolean()) {
                acknowledged.add(f.get("ruleId").asText() + ": " + f.get("reason").asText());
            } else if (f.get("level").asText().equals("error")) {
                errors.add(f.get("ruleId").asText() + " at " + f.get("constructPath").asText());
            }
        }
        assertEquals(List.of("WorldOpenAdminPort at Checked/Web/Resource"), errors);
        assertEquals(List.of("WideCidrIngress: " + REASON), acknowledged);
    }

    @Test
    void aspectAnnotatesAndWritesTheReport(@TempDir Path outdir) throws IOException {
        Flawed flawed = flawedApp(outdir);
        Aspects.of(flawed.app()).add(new SecurityGroupStrategyChecks(),
                AspectOptions.builder().priority(AspectPriority.READONLY).build());
        flawed.app().synth();
        Annotations.fromStack(flawed.stack()).hasError("/Checked/Web/Resource",
                Match.stringLikeRegexp("sg-strategy::WorldOpenAdminPort"));
        assertOneErrorAndOneAcknowledged(outdir);
    }

    @Test
    void pluginFailsSynthAndWritesTheReport(@TempDir Path outdir, @TempDir Path reports) throws IOException {
        Flawed flawed = flawedApp(outdir);
        // A directory of its own: before aws-cdk-lib 2.268.0 the plugin writes no file into the cloud assembly.
        Validations.of(flawed.app()).addPlugins(new SecurityGroupStrategyPlugin(
                SecurityGroupStrategyPluginProps.builder().reportDirectory(reports.toString()).build()));
        assertThrows(RuntimeException.class, () -> flawed.app().synth());
        assertOneErrorAndOneAcknowledged(reports);
    }
}
