package dev.baton.agent.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.baton.agent.config.LogFormat;
import org.slf4j.LoggerFactory;

/**
 * Switches the agent's standard-error log between text lines and one JSON object per line
 * ({@code logging.format}), at start and on reload. Logback starts from {@code logback.xml} (text); this
 * replaces its {@value #APPENDER} appender with an equal one using the other encoder, so every logger keeps
 * its level. Thread-safe (synchronized); a no-op when SLF4J is not bound to Logback (e.g. in a host
 * application), or when the format is already in force.
 */
public final class LogOutput {
    /** The appender's name in {@code logback.xml}. */
    static final String APPENDER = "STDERR";
    /** The text layout, as in {@code logback.xml}. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";

    private static LogFormat current = LogFormat.TEXT;

    private LogOutput() {
    }

    /** Writes every following log line in {@code format}; returns whether the format changed. */
    public static synchronized boolean apply(LogFormat format) {
        if (format == current || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return false;
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder(format, context));
        appender.start();
        Appender<ILoggingEvent> previous = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        current = format;
        return true;
    }

    private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext context) {
        if (format == LogFormat.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // One object per event: level, logger, thread, time and message, nothing of the (empty) context.
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
