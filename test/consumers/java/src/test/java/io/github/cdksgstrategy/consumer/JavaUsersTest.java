package io.github.cdksgstrategy.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdksgstrategy.FindingAcknowledgements;
import io.github.cdksgstrategy.FindingLevel;
import io.github.cdksgstrategy.SecurityGroupStrategyChecks;
import io.github.cdksgstrategy.SecurityGroupStrategyPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;

/** What a Java user writes and reads: acknowledgements, levels, option errors, fix texts and a failed synth. */
class JavaUsersTest {
    private record Open(App app, SecurityGroup group) {}

    /** One group open to the world on SSH, which allows all egress (UnrestrictedEgress, a warning). */
    private static Open openApp(Path outdir) {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        Stack stack = new Stack(app, "Checked", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(1).natGateways(0).restrictDefaultSecurityGroup(true).build();
        SecurityGroup group = SecurityGroup.Builder.create(stack, "Open").vpc(vpc).build();
        group.addIngressRule(Peer.anyIpv4(), Port.tcp(22));
        return new Open(app, group);
    }

    /**
     * aws-cdk-lib before 2.268.0, which Maven may resolve the range to, lets no plugin write into the assembly: the
     * plugin writes its report to a directory of its own.
     */
    private static SecurityGroupStrategyPlugin.Builder pluginReportingTo(Path reports) {
        return SecurityGroupStrategyPlugin.Builder.create().reportDirectory(reports.toString());
    }

    private static JsonNode finding(Path outdir, String ruleId) throws IOException {
        JsonNode report = new ObjectMapper().readTree(Files.readString(outdir.resolve("sg-strategy-report.json")));
        for (JsonNode f : report.get("findings")) {
            if (f.get("ruleId").asText().equals(ruleId)) return f;
        }
        throw new AssertionError("no " + ruleId + " finding");
    }

    /** The rules CDK's validation report lists for the open group (it leaves out acknowledged ones). */
    private static List<String> validationRules(Path outdir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(Files.readString(outdir.resolve("validation-report.json")));
        List<String> rules = new ArrayList<>();
        for (JsonNode plugin : report.get("pluginReports")) {
            for (JsonNode v : plugin.get("violations")) {
                for (JsonNode c : v.get("violatingConstructs")) {
                    if (c.get("constructPath").asText().startsWith("Checked/Open")) {
                        rules.add(plugin.get("pluginName").asText() + ": " + v.get("ruleName").asText());
                        break;
                    }
                }
            }
        }
        rules.sort(null);
        return rules;
    }

    @Test
    void acknowledgingWithCdksAcknowledgmentLeavesTheBuiltInW2508(@TempDir Path outdir) throws IOException {
        Open open = openApp(outdir);
        Validations.of(open.group()).acknowledge(Acknowledgment.builder().id("sg-strategy::WorldOpenAdminPort").reason("break-glass bastion").build());
        Path reports = outdir.resolve("reports");
        Validations.of(open.app()).addPlugins(pluginReportingTo(reports).build());
        open.app().synth();
        assertTrue(finding(reports, "WorldOpenAdminPort").get("acknowledged").asBoolean());
        assertTrue(validationRules(outdir).contains("CloudFormation Validate: W2508"));
    }

    @Test
    void findingAcknowledgementsAcknowledgesOursAndTheBuiltInW2508(@TempDir Path outdir) throws IOException {
        Open open = openApp(outdir);
        assertEquals(List.of("sg-strategy::WorldOpenAdminPort", "CloudFormation-Validate::W2508"),
                FindingAcknowledgements.acknowledge(open.group(), "WorldOpenAdminPort", "break-glass bastion"));
        Validations.of(open.app()).addPlugins(new SecurityGroupStrategyPlugin());
        open.app().synth();
        assertEquals(List.of("sg-strategy: UnattachedSecurityGroup", "sg-strategy: UnrestrictedEgress"), validationRules(outdir));
    }

    @Test
    void aLevelOverrideAsFindingLevelOrString(@TempDir Path outdir) throws IOException {
        for (Map<String, ?> levels : List.of(Map.of("UnrestrictedEgress", FindingLevel.ERROR), Map.of("UnrestrictedEgress", "error"))) {
            Path dir = Files.createTempDirectory(outdir, "levels");
            Open open = openApp(dir);
            FindingAcknowledgements.acknowledge(open.group(), "WorldOpenAdminPort", "break-glass bastion");
            Path reports = dir.resolve("reports");
            Validations.of(open.app()).addPlugins(pluginReportingTo(reports).ruleLevels(levels).build());
            RuntimeException failure = assertThrows(RuntimeException.class, open.app()::synth);
            assertTrue(failure.getMessage().contains("UnrestrictedEgress: Checked/Open sends all traffic"), failure.getMessage());
            assertEquals("error", finding(reports, "UnrestrictedEgress").get("level").asText());
        }
    }

    @Test
    void optionErrorsNameTheBuilderMethods() {
        RuntimeException ports = assertThrows(RuntimeException.class,
                () -> SecurityGroupStrategyChecks.Builder.create().adminPorts(List.of(70000)).build());
        assertTrue(ports.getMessage().contains("adminPorts: 70000 is not a port"), ports.getMessage());
        RuntimeException level = assertThrows(RuntimeException.class,
                () -> SecurityGroupStrategyPlugin.Builder.create().ruleLevels(Map.of("UnrestrictedEgress", "fatal")).build());
        assertTrue(level.getMessage().contains("ruleLevels: UnrestrictedEgress is 'fatal', which is not a level"), level.getMessage());
    }

    @Test
    void fixTextsNameBuilderCalls(@TempDir Path outdir) throws IOException {
        Open open = openApp(outdir);
        Aspects.of(open.app()).add(new SecurityGroupStrategyChecks(), AspectOptions.builder().priority(AspectPriority.READONLY).build());
        open.app().synth();
        String fix = finding(outdir, "UnrestrictedEgress").get("fix").asText();
        assertTrue(fix.contains("`.allowAllOutbound(false)`"), fix);
        assertFalse(fix.contains("allow_all_outbound"), fix);
    }

    @Test
    void aFailedSynthSaysWhichFindingsFailedIt(@TempDir Path outdir) {
        // A JUnit run is neither the CDK CLI nor a test runner CDK knows: it is synthesized as a Java main is.
        Open open = openApp(outdir);
        Validations.of(open.app()).addPlugins(new SecurityGroupStrategyPlugin());
        RuntimeException failure = assertThrows(RuntimeException.class, open.app()::synth);
        assertTrue(failure.getMessage().contains("ERROR WorldOpenAdminPort: Checked/Open admits tcp 22 from 0.0.0.0/0"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Checked/Open/Resource"), failure.getMessage());
    }
}
