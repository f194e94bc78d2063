package io.gmall.local.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.local.Layout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
