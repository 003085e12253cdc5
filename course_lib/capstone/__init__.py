"""The capstone pipeline (lesson 13): a ride-hailing data set and an exactly-once stream processor.

    rides ──► RideProcessor ──► completed-rides        (transform: completed rides only)
                           └──► rider-totals (compact)  (aggregate: running totals per rider)

``generate_rides`` makes the data (fixed seed), ``produce_rides`` sends it, ``RideProcessor`` runs the
consume-transform-produce loop in transactions (reading its input with ``BatchReader``), and
``latest_by_key`` reads the totals back as a table.
"""

from .batches import BatchReader
from .dataset import CITIES, Ride, generate_rides
from .processor import RideProcessor, RunStats, SimulatedCrash
from .producer import produce_rides
from .reading import latest_by_key, read_json_values, read_to_end
from .topics import PipelineTopics, create_pipeline_topics, pipeline_topics
from .transform import add_ride, completed_ride

__all__ = ["BatchReader", "CITIES", "PipelineTopics", "Ride", "RideProcessor", "RunStats", "SimulatedCrash", "add_ride",
           "completed_ride", "create_pipeline_topics", "generate_rides", "latest_by_key", "pipeline_topics",
           "produce_rides", "read_json_values", "read_to_end"]
