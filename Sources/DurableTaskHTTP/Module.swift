// The durable HTTP activity; see DurableHTTPActivity.swift (in progress).
import DurableTask
