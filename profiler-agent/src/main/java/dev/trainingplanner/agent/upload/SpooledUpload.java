package dev.trainingplanner.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;

/** A profile waiting to be sent, with the idempotency key it was first sent with. */
public record SpooledProfile(String cluster, String idempotencyKey, JsonNode profile) {}
