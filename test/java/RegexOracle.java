// The reference for mirrorwatch's Java-regex evaluator: evaluates MM2 filter values with
// java.util.regex exactly as MirrorMaker 2 does (ConfigDef LIST splitting, entries joined with
// "|" into one Pattern, Matcher.matches() on each name) and prints the results as JSON.
// When Kafka's connect-mirror jar is on the class path it also asks DefaultTopicFilter /
// DefaultGroupFilter themselves and reports what they say (and whether Kafka refuses the value).
//
//   java test/java/RegexOracle.java test/fixtures/java-regex-cases.txt
//   java -cp "$KAFKA/libs/*" test/java/RegexOracle.java test/fixtures/java-regex-cases.txt
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class RegexOracle {
    private static final Pattern COMMA_WITH_WHITESPACE = Pattern.compile("\\s*,\\s*");
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        List<String[]> cases = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isEmpty()) continue;
            int tab = line.indexOf('\t');
            String kind = line.substring(0, tab);
            String text = line.substring(tab + 1);
            if (kind.equals("name")) names.add(unescape(text));
            else cases.add(new String[] {kind, text});
        }
        String kafkaVersion = kafkaVersion();
        StringBuilder out = new StringBuilder();
        out.append("{\n  \"java\": ").append(q(System.getProperty("java.version")));
        out.append(",\n  \"kafka\": ").append(kafkaVersion == null ? "null" : q(kafkaVersion));
        out.append(",\n  \"names\": ").append(list(names));
        out.append(",\n  \"cases\": [");
        for (int c = 0; c < cases.size(); c++) {
            String domain = cases.get(c)[0];
            String value = cases.get(c)[1];
            List<String> domainNames = new ArrayList<>();
            for (String n : names) if (domain.equals("group") || TOPIC_NAME.matcher(n).matches()) domainNames.add(n);
            List<String> entries = configDefList(value);
            out.append(c == 0 ? "\n" : ",\n").append("    {\"domain\": ").append(q(domain));
            out.append(", \"value\": ").append(q(value)).append(", \"entries\": ").append(list(entries));
            String joined = String.join("|", entries);
            try {
                Pattern p = entries.isEmpty() ? null : Pattern.compile(joined);
                List<String> hits = new ArrayList<>();
                for (String n : domainNames) if (p != null && p.matcher(n).matches()) hits.add(n);
                out.append(", \"valid\": true, \"matches\": ").append(list(hits));
            } catch (PatternSyntaxException e) {
                out.append(", \"valid\": false, \"error\": ").append(q(e.getDescription()));
            }
            if (kafkaVersion != null) out.append(kafka(domain, value, domainNames));
            out.append("}");
        }
        out.append("\n  ]\n}\n");
        System.out.print(out);
    }

    /** ConfigDef.parseType(LIST) for a String value. */
    static List<String> configDefList(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty()) return List.of();
        return Arrays.asList(COMMA_WITH_WHITESPACE.split(trimmed, -1));
    }

    static String kafkaVersion() {
        try {
            Class.forName("org.apache.kafka.connect.mirror.DefaultTopicFilter");
            return (String) Class.forName("org.apache.kafka.common.utils.AppInfoParser").getMethod("getVersion").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** What Kafka's own DefaultTopicFilter / DefaultGroupFilter say, include list only. */
    static String kafka(String domain, String value, List<String> domainNames) {
        boolean topic = domain.equals("topic");
        try {
            Class<?> cls = Class.forName(topic ? "org.apache.kafka.connect.mirror.DefaultTopicFilter" : "org.apache.kafka.connect.mirror.DefaultGroupFilter");
            Object filter = cls.getConstructor().newInstance();
            Map<String, Object> props = new HashMap<>();
            props.put(topic ? "topics" : "groups", value);
            props.put(topic ? "topics.exclude" : "groups.exclude", "");
            cls.getMethod("configure", Map.class).invoke(filter, props);
            var should = cls.getMethod(topic ? "shouldReplicateTopic" : "shouldReplicateGroup", String.class);
            List<String> hits = new ArrayList<>();
            for (String n : domainNames) if ((Boolean) should.invoke(filter, n)) hits.add(n);
            return ", \"kafkaMatches\": " + list(hits);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            return ", \"kafkaError\": " + q(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { b.append(c); continue; }
            char d = s.charAt(++i);
            switch (d) {
                case 'u': b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; break;
                case 't': b.append('\t'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                default: b.append(d);
            }
        }
        return b.toString();
    }

    static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) b.append(i == 0 ? "" : ", ").append(q(items.get(i)));
        return b.append("]").toString();
    }

    /** A JSON string; everything outside printable ASCII as \\uXXXX so the file is plain ASCII. */
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append("\"").toString();
    }
}
