package io.github.cdksgstrategy.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdksgstrategy.SecurityGroupStrategyChecks;
import io.github.cdksgstrategy.SecurityGroupStrategyPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AspectOptions;
import software.amazon.awscdk.AspectPriority;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.NestedStack;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;

/** Nested stacks from Java: the Aspect and the plugin see them with and without the CDK CLI's metadata. */
class NestedStacksTest {
    private static final List<String> EXPECTED = List.of(
            "WorldOpenAdminPort Top/Child/Ssh [Top/Child]",
            "WorldOpenDataPort Top/Child/Grand/Zk [Top/Child/Grand]");

    /** SSH open to the world in a nested stack, ZooKeeper in one nested in that, on the parent's group. */
    private static App nestedApp(Path outdir, boolean cliMetadata) {
        Map<String, Object> context = cliMetadata
                ? Map.of("aws:cdk:enable-asset-metadata", true, "aws:cdk:enable-path-metadata", true)
                : Map.of();
        App app = App.Builder.create().outdir(outdir.toString()).context(context).build();
        Stack top = new Stack(app, "Top", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        Vpc vpc = Vpc.Builder.create(top, "Vpc").maxAzs(1).natGateways(0).restrictDefaultSecurityGroup(true).build();
        SecurityGroup broker = SecurityGroup.Builder.create(top, "Broker").vpc(vpc).allowAllOutbound(false).build();
        NestedStack child = new NestedStack(top, "Child");
        CfnSecurityGroupIngress.Builder.create(child, "Ssh").groupId(broker.getSecurityGroupId())
                .ipProtocol("tcp").fromPort(22).toPort(22).cidrIp("0.0.0.0/0").build();
        NestedStack grand = new NestedStack(child, "Grand");
        CfnSecurityGroupIngress.Builder.create(grand, "Zk").groupId(broker.getSecurityGroupId())
                .ipProtocol("tcp").fromPort(2181).toPort(2181).cidrIp("0.0.0.0/0").build();
        return app;
    }

    private static List<String> errors(Path outdir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(Files.readString(outdir.resolve("sg-strategy-report.json")));
        List<String> errors = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("level").asText().equals("error")) {
                errors.add(f.get("ruleId").asText() + " " + f.get("constructPath").asText() + " [" + f.get("stackName").asText() + "]");
            }
        }
        errors.sort(null);
        return errors;
    }

    @ParameterizedTest(name = "with the CLI''s metadata: {0}")
    @ValueSource(booleans = {false, true})
    void thePluginFailsSynthOnNestedStacks(boolean cliMetadata, @TempDir Path outdir) throws IOException {
        App app = nestedApp(outdir, cliMetadata);
        // aws-cdk-lib before 2.268.0, which Maven may resolve the range to, lets no plugin write into the assembly:
        // the plugin writes its report to a directory of its own.
        Path reports = outdir.resolve("reports");
        Validations.of(app).addPlugins(SecurityGroupStrategyPlugin.Builder.create().reportDirectory(reports.toString()).build());
        RuntimeException failure = assertThrows(RuntimeException.class, app::synth);
        assertTrue(failure.getMessage().contains("ERROR WorldOpenAdminPort: Top/Broker admits tcp 22"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Top/Child/Grand/Zk"), failure.getMessage());
        assertEquals(EXPECTED, errors(reports));
    }

    @ParameterizedTest(name = "with the CLI''s metadata: {0}")
    @ValueSource(booleans = {false, true})
    void theAspectReportsNestedStacksByReadableNames(boolean cliMetadata, @TempDir Path outdir) throws IOException {
        App app = nestedApp(outdir, cliMetadata);
        Aspects.of(app).add(new SecurityGroupStrategyChecks(), AspectOptions.builder().priority(AspectPriority.READONLY).build());
        app.synth();
        assertEquals(EXPECTED, errors(outdir));
    }
}
