package dev.trainingplanner.profile;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;

/**
 * JSON scalars are read strictly: a number where text is expected, 2.5 where a whole number is expected, "100" where a
 * number is expected or 3 where a boolean is expected is a mistake, not something to guess about. So are a key that
 * appears twice in one object (which value was meant?), a {@code null} element of a list or map (no list of the format
 * or of a request has holes), and a NUL character in text (PostgreSQL cannot store it in a {@code text} column, and no
 * name or description needs one). Profiles are read this way everywhere, and planner-api applies the same rules to
 * every request body.
 */
public final class StrictScalars {

    private StrictScalars() {}

    /** Applies the rules to {@code mapper} and returns it. */
    public static <M extends ObjectMapper> M apply(M mapper) {
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        mapper.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        mapper.registerModule(new SimpleModule("strict-text").addDeserializer(String.class, new TextWithoutNul()));
        return mapper;
    }

    /** Text that holds a NUL character; Jackson adds its place (for example {@code nodes[0].name}) on the way up. */
    public static final class NulInTextException extends JsonMappingException {

        NulInTextException(JsonParser parser) {
            super(parser, "a NUL character (\\u0000) is not allowed in text");
        }
    }

    /** Text as Jackson reads it, refused when it holds a NUL character. */
    private static final class TextWithoutNul extends StdScalarDeserializer<String> {

        TextWithoutNul() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            if (text != null && text.indexOf(0) >= 0) {
                throw new NulInTextException(parser);
            }
            return text;
        }
    }
}
