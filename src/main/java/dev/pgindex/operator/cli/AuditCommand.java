package dev.pgindex.operator.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true)
final class AuditCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return Main.ERROR;
    }
}
