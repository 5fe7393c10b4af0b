package dev.trainingplanner.profile;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/** Where a value sits in a JSON document, as the error messages name it: {@code nodes[2].gpus[0].memoryBytes}. */
public final class JsonPlace {

    private JsonPlace() {}

    /** The place of a Jackson reference path; empty for the top level. */
    public static String of(List<JsonMappingException.Reference> path) {
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (!where.isEmpty()) {
                    where.append('.');
                }
                where.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
            }
        }
        return where.toString();
    }
}
