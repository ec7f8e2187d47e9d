// The host library (in progress).
import DurableTask
