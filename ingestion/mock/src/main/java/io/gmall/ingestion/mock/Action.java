package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One thing the simulation does, at a simulated epoch-ms time. */
sealed interface Action permits Action.SendLog, Action.PlaceOrder, Action.SettleOrder, Action.UpdateProfile {

    long at();

    enum Kind { NORMAL, LATE, DUPLICATE, INVALID, ABUSE }

    /** A behaviour log to send to the collector. */
    record SendLog(long at, ObjectNode record, Kind kind) implements Action {
    }

    record Line(long skuId, int num) {
    }

    /** A session buys: an order with its details, numbered in the order the simulation places them. */
    record PlaceOrder(long at, int orderSeq, long userId, String area, List<Line> lines) implements Action {
    }

    /** An order is paid or cancelled later. */
    record SettleOrder(long at, int orderSeq, String status) implements Action {
    }

    record UpdateProfile(long at, long userId, String userLevel) implements Action {
    }
}
