package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The index a {@link PostgresIndexSet} builds in every target: the PostgresIndex spec without connection and
 * schema, which come from each target. Definition fields may change only together with name (a new index is built
 * next to the old one, which goes once the new one is Ready).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = {"connection", "schema"}, allowSetters = false)
public class IndexTemplate extends PostgresIndexSpec {
}
