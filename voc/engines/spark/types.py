"""voc.schema (pyarrow) -> Spark types, in one place, and Spark results back to voc's pandas frames."""
from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa


def spark_type(t: pa.DataType) -> Any:
    """The Spark SQL type of an Arrow type (timestamps with a zone -> TimestampType, in UTC)."""
    from pyspark.sql import types as T

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
        return T.StringType()
    if pa.types.is_boolean(t):
        return T.BooleanType()
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t):
        return T.IntegerType()
    if pa.types.is_integer(t):
        return T.LongType()
    if pa.types.is_float32(t):
        return T.FloatType()
    if pa.types.is_floating(t):
        return T.DoubleType()
    if pa.types.is_timestamp(t):
        return T.TimestampType() if t.tz else T.TimestampNTZType()
    if pa.types.is_date(t):
        return T.DateType()
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return T.ArrayType(spark_type(t.value_type), True)
    if pa.types.is_struct(t):
        return T.StructType([T.StructField(f.name, spark_type(f.type), True) for f in t])
    if pa.types.is_dictionary(t):
        return spark_type(t.value_type)
    raise TypeError(f"no Spark type for Arrow type {t}")


def struct_type(schema: pa.Schema) -> Any:
    """A Spark StructType with the fields of a voc.schema pyarrow schema (all nullable)."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(f.name, spark_type(f.type), True) for f in schema])


def arrow_type_for_spark(t: pa.DataType) -> pa.DataType:
    """The Arrow type Spark actually accepts back for ``t`` (fixed-size lists -> lists, null -> string, int8/16 -> int32)."""
    if pa.types.is_null(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t) and pa.types.is_string(t.value_type):
        return pa.string()
    if pa.types.is_int8(t) or pa.types.is_int16(t):
        return pa.int32()
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz="UTC") if t.tz else pa.timestamp("us")
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return pa.list_(arrow_type_for_spark(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, arrow_type_for_spark(f.type)) for f in t])
    return t


def to_pandas(table: pa.Table, schema: pa.Schema | None = None) -> pd.DataFrame:
    """An Arrow table collected from Spark as a voc pandas frame (ArrowDtype columns, as voc.schema builds them);
    columns of ``schema`` are cast to its exact types (e.g. int32 counts, UTC timestamps)."""
    if schema is not None:
        cols = []
        for name in table.column_names:
            col = table.column(name)
            if name in schema.names:
                target = schema.field(name).type
                if col.type != target:
                    col = col.cast(target)
            cols.append(col)
        table = pa.table(cols, names=table.column_names)
    return table.to_pandas(types_mapper=pd.ArrowDtype)
