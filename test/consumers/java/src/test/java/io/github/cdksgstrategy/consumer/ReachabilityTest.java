package io.github.cdksgstrategy.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdksgstrategy.ReachabilityEndpoint;
import io.github.cdksgstrategy.ReachabilityPolicy;
import io.github.cdksgstrategy.ReachabilityPortOptions;
import io.github.cdksgstrategy.SecurityGroupStrategyChecks;
import io.github.cdksgstrategy.SecurityGroupStrategyPlugin;
import io.github.cdksgstrategy.Tier;
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
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;

/** Reachability policies, from Java, across jsii: one that holds, one that does not, and the witness. */
class ReachabilityTest {
    private record Orders(App app, Stack stack, Function worker) {}

    private static Function function(Stack stack, String id, Vpc vpc, SecurityGroup group) {
        return Function.Builder.create(stack, id)
                .runtime(Runtime.NODEJS_22_X).handler("index.handler").code(Code.fromInline("exports.handler = async () => {};"))
                .vpc(vpc).vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .securityGroups(List.of(group)).build();
    }

    /** The api reaches the database on 5432; the database admits the worker too, but the worker cannot send. */
    private static Orders ordersApp(Path outdir) {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        Stack stack = new Stack(app, "Orders", StackProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).natGateways(0).restrictDefaultSecurityGroup(true).build();
        SecurityGroup dbGroup = SecurityGroup.Builder.create(stack, "DbSg").vpc(vpc).allowAllOutbound(false).build();
        DatabaseInstance db = DatabaseInstance.Builder.create(stack, "Db").vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .engine(DatabaseInstanceEngine.postgres(PostgresInstanceEngineProps.builder().version(PostgresEngineVersion.VER_17_9).build()))
                .storageEncrypted(true).securityGroups(List.of(dbGroup)).build();
        Function api = function(stack, "Api", vpc, SecurityGroup.Builder.create(stack, "ApiSg").vpc(vpc).allowAllOutbound(false).build());
        api.getConnections().allowTo(db, Port.tcp(5432));
        SecurityGroup workerGroup = SecurityGroup.Builder.create(stack, "WorkerSg").vpc(vpc).allowAllOutbound(false).build();
        Function worker = function(stack, "Worker", vpc, workerGroup);
        // Ingress for the worker, and no egress: the function would time out on the database in production.
        dbGroup.addIngressRule(workerGroup, Port.tcp(5432));
        Tier.assign(api, "api");

        ReachabilityPolicy policy = new ReachabilityPolicy(stack, "Reachability");
        // Holds: only the api tier reaches the database, and only on 5432.
        policy.onlyFrom(ReachabilityEndpoint.of(db), List.of(ReachabilityEndpoint.tier("api"), ReachabilityEndpoint.of(worker)),
                ReachabilityPortOptions.builder().ports(List.of(Port.tcp(5432))).build());
        policy.notFromInternet(ReachabilityEndpoint.of(stack));
        // Violated: the worker must reach the database.
        policy.mustReach(ReachabilityEndpoint.of(worker), ReachabilityEndpoint.of(db), Port.tcp(5432));
        return new Orders(app, stack, worker);
    }

    private static List<JsonNode> violations(Path outdir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(Files.readString(outdir.resolve("sg-strategy-report.json")));
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("ruleId").asText().equals("ReachabilityViolation")) found.add(f);
        }
        return found;
    }

    private static void assertTheMustReachIsTheOneViolation(Path outdir, boolean acknowledged) throws IOException {
        List<JsonNode> found = violations(outdir);
        assertEquals(1, found.size(), found.toString());
        JsonNode f = found.get(0);
        assertEquals("error Orders/Worker/Resource " + acknowledged,
                f.get("level").asText() + " " + f.get("constructPath").asText() + " " + f.get("acknowledged").asBoolean());
        String message = f.get("message").asText();
        assertTrue(message.contains("`Orders/Worker` (carries `Orders/WorkerSg`) cannot reach `Orders/Db` (carries `Orders/DbSg`) on tcp 5432: "
                + "the egress of `Orders/WorkerSg` does not send tcp 5432 to it."), message);
        assertTrue(message.contains("The smallest fix: an egress rule on `Orders/WorkerSg` to `Orders/DbSg` on tcp 5432."), message);
    }

    @Test
    void aspectReportsTheBrokenMustReachAndNotThePolicyThatHolds(@TempDir Path outdir) throws IOException {
        Orders orders = ordersApp(outdir);
        Aspects.of(orders.app()).add(new SecurityGroupStrategyChecks(), AspectOptions.builder().priority(AspectPriority.READONLY).build());
        orders.app().synth();
        assertTheMustReachIsTheOneViolation(outdir, false);
        JsonNode matrix = new ObjectMapper().readTree(Files.readString(outdir.resolve("sg-strategy-reachability.json")));
        assertEquals(1, matrix.get("violations").size());
    }

    @Test
    void pluginFailsSynthOnTheViolation(@TempDir Path outdir, @TempDir Path reports) throws IOException {
        Orders orders = ordersApp(outdir);
        // A directory of its own: before aws-cdk-lib 2.268.0 (Maven serves 2.263.0 here) the plugin writes no file into the cloud assembly.
        Validations.of(orders.app()).addPlugins(SecurityGroupStrategyPlugin.Builder.create().reportDirectory(reports.toString()).build());
        RuntimeException failure = assertThrows(RuntimeException.class, orders.app()::synth);
        assertTrue(failure.getMessage().contains("ReachabilityViolation"), failure.getMessage());
        assertTrue(failure.getMessage().contains("The smallest fix: an egress rule on `Orders/WorkerSg` to `Orders/DbSg` on tcp 5432."), failure.getMessage());
        assertTheMustReachIsTheOneViolation(reports, false);
    }

    @Test
    void acknowledgedLikeAnyOtherFinding(@TempDir Path outdir, @TempDir Path reports) throws IOException {
        Orders orders = ordersApp(outdir);
        Validations.of(orders.worker()).acknowledge(Acknowledgment.builder()
                .id("sg-strategy::ReachabilityViolation").reason("the worker moves to the queue in TICKET-9").build());
        Validations.of(orders.app()).addPlugins(SecurityGroupStrategyPlugin.Builder.create().reportDirectory(reports.toString()).build());
        orders.app().synth();
        assertTheMustReachIsTheOneViolation(reports, true);
    }

    @Test
    void badInputNamesThePolicyAndTheMethodAsJavaWritesIt() {
        App app = new App();
        Stack stack = new Stack(app, "Orders");
        ReachabilityPolicy policy = new ReachabilityPolicy(stack, "Reachability");
        RuntimeException failure = assertThrows(RuntimeException.class, () -> policy.onlyFrom(ReachabilityEndpoint.of(stack), List.of()));
        assertTrue(failure.getMessage().contains("Orders/Reachability: onlyFrom needs at least one source"), failure.getMessage());
    }
}
