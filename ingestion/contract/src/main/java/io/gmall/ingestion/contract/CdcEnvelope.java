package io.gmall.ingestion.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One row change of a captured MySQL table, as the CDC relay writes it to {@code gmall.cdc.<table>}
 * keyed by primary key. Values are typed (numbers as numbers, DECIMAL as exact decimals, DATETIME as
 * ISO-8601 text, NULL as null); {@code before} is absent on insert, {@code after} on delete.
 *
 * @param op     {@code c} insert, {@code u} update, {@code d} delete
 * @param pk     primary-key columns and their values
 * @param binlog where the change sits in the binlog
 * @param ts     when the change was committed (epoch ms, from the binlog)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CdcEnvelope(String op, String database, String table, Map<String, Object> pk,
                          Map<String, Object> before, Map<String, Object> after, Binlog binlog, long ts) {

    public static final String CREATE = "c";
    public static final String UPDATE = "u";
    public static final String DELETE = "d";

    public record Binlog(String file, long position) {
    }
}
