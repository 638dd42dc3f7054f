package dev.pgindex.operator.ship;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs deploy/argocd/health.lua the way Argo CD does: the object as the global {@code obj}, only the base, table,
 * string and math libraries (no io or os), and the script's returned table {status, message}.
 */
public final class ArgoHealth {
    public static final Path SCRIPT = Path.of("deploy", "argocd", "health.lua");

    public record Health(String status, String message) {
    }

    private ArgoHealth() {
    }

    public static String script() {
        try {
            return Files.readString(SCRIPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The health Argo CD would show for this object (a PostgresIndex as plain maps, lists and scalars). */
    public static Health of(Map<String, Object> object) {
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        LoadState.install(g);
        LuaC.install(g);
        g.set("obj", lua(object));
        LuaValue result = g.load(script(), "health.lua").call();
        if (!result.istable()) {
            throw new AssertionError("health.lua returned " + result.typename() + ", not a table");
        }
        LuaValue message = result.get("message");
        return new Health(result.get("status").checkjstring(), message.isnil() ? null : message.tojstring());
    }

    /** JSON-shaped Java values as Lua values: maps as tables, lists as 1-based tables, numbers as Lua numbers (doubles). */
    static LuaValue lua(Object value) {
        if (value == null) {
            return LuaValue.NIL;
        }
        if (value instanceof Map<?, ?> map) {
            LuaTable t = new LuaTable();
            map.forEach((k, v) -> t.set(String.valueOf(k), lua(v)));
            return t;
        }
        if (value instanceof List<?> list) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < list.size(); i++) {
                t.set(i + 1, lua(list.get(i)));
            }
            return t;
        }
        if (value instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        if (value instanceof Number n) { // Argo CD's Lua (gopher-lua) has only float64 numbers too
            return LuaValue.valueOf(n.doubleValue());
        }
        return LuaValue.valueOf(value.toString());
    }
}
