package io.gmall.local.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.local.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Elasticsearch's files live, as the checkout's user and as root (when it runs as its own user). */
class ElasticsearchDirsTest {

    private static final Layout CHECKOUT = new Layout(Path.of("/tmp/fresh.x1/p"));

    @Test
    void asTheCheckoutsUserEverythingIsUnderVar() {
        Elasticsearch.Dirs dirs = Elasticsearch.Dirs.of(CHECKOUT, false);
        assertThat(dirs.state()).allMatch(d -> d.startsWith(CHECKOUT.var()));
        assertThat(dirs.home().startsWith(CHECKOUT.var().resolve("dist"))).isTrue();
    }

    @Test
    void asRootNothingElasticsearchsUserMustReachIsInsideOrAboveTheCheckout() {
        Elasticsearch.Dirs dirs = Elasticsearch.Dirs.of(CHECKOUT, true);
        for (Path dir : dirs.state()) {
            assertThat(dir.startsWith(Elasticsearch.Dirs.OUTSIDE_ROOT)).as(dir.toString()).isTrue();
            assertThat(dir.startsWith(CHECKOUT.root()) || CHECKOUT.root().startsWith(dir)).as(dir.toString()).isFalse();
        }
        assertThat(dirs.home().startsWith(Elasticsearch.Dirs.OUTSIDE_ROOT)).isTrue();
    }

    @Test
    void twoCheckoutsOfTheSameNameKeepApart() {
        Path one = Elasticsearch.Dirs.of(CHECKOUT, true).data();
        Path other = Elasticsearch.Dirs.of(new Layout(Path.of("/tmp/fresh.x2/p")), true).data();
        assertThat(one).isNotEqualTo(other);
        assertThat(one.toString()).contains("/p-");
    }

    @Test
    void aCheckoutClonedAgainAtTheSamePathDoesNotFindTheIndicesOfTheOneBefore(@TempDir Path tmp) throws IOException {
        Elasticsearch.Dirs outside = outsideIn(tmp);
        Path firstVar = tmp.resolve("clone1/var/run/elasticsearch.owner");
        assertThat(outside.claim(firstVar, false)).isFalse();
        Path index = Files.createDirectories(outside.data().resolve("indices/gmall_coupon_alert"));
        assertThat(outside.claim(firstVar, true)).as("its own state, on a restart").isFalse();
        assertThat(index).exists();

        Path secondVar = tmp.resolve("clone2/var/run/elasticsearch.owner");
        assertThat(outside.claim(secondVar, false)).isTrue();
        assertThat(outside.data()).doesNotExist();
        Files.createDirectories(outside.data());
        assertThat(outside.claim(firstVar, true)).as("the mark now names the second clone's var/").isTrue();
    }

    @Test
    void unmarkedStateIsKeptOnlyWhenThisVarStartedElasticsearchBefore(@TempDir Path tmp) throws IOException {
        Elasticsearch.Dirs outside = outsideIn(tmp);
        Files.createDirectories(outside.data().resolve("indices"));
        assertThat(outside.claim(tmp.resolve("upgraded/var/run/elasticsearch.owner"), true)).isFalse();
        assertThat(outside.data()).exists();

        Files.delete(outside.ownerMark());
        assertThat(outside.claim(tmp.resolve("fresh/var/run/elasticsearch.owner"), false)).isTrue();
        assertThat(outside.data()).doesNotExist();
    }

    private static Elasticsearch.Dirs outsideIn(Path tmp) {
        Path base = tmp.resolve("p-0000abcd/elasticsearch");
        return new Elasticsearch.Dirs(base.resolve("home"), base.resolve("conf"), base.resolve("data"), base.resolve("log"),
                base.resolve("tmp"), base.resolve("run"));
    }
}
