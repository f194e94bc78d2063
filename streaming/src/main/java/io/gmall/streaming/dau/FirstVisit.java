package io.gmall.streaming.dau;

import java.io.Serializable;

/** A device's earliest startup of a business day seen in one micro-batch, with that startup's attributes. */
public record FirstVisit(String dt, String mid, long ts, String eventId, String uid, String os, String area, String ch, String vs,
                         String appid) implements Serializable {
}
